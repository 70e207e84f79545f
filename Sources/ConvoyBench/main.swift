// `convoy-bench`: times Convoy's convolution layers alone on random inputs (see ConvoyBench).
ConvoyBench.main()
