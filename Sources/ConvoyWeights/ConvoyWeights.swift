/// Reading and writing weights (safetensors) and model files.
