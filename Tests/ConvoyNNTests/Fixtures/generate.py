# generator placeholder
