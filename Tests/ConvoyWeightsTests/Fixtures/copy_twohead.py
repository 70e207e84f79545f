#!/usr/bin/env python3
# Copies the two-head network fixture made by Tests/ConvoyNNTests/Fixtures/generate.py (numpy,
# float64 reference) into this directory: its three safetensors files (F32, F16, BF16, each with
# an I64 num_batches_tracked as PyTorch state dicts have), the input and the expected outputs
# (raw little-endian float32), and twohead.manifest.json, that network's entry of the ConvoyNN
# manifest. twohead.yaml (written by hand) describes the same network as a Convoy model file.
#
# The copies are generated, do not edit; regenerate with:
#   python3 Tests/ConvoyNNTests/Fixtures/generate.py && python3 Tests/ConvoyWeightsTests/Fixtures/copy_twohead.py
import json
import pathlib
import shutil

here = pathlib.Path(__file__).resolve().parent
source = here.parent.parent / "ConvoyNNTests" / "Fixtures" / "data"
manifest = json.loads((source / "manifest.json").read_text())
network = next(n for n in manifest["networks"] if n["name"] == "twohead")

files = [network["input"]["file"], *network["safetensors"].values()]
for outputs in network["expected"].values():
    files += [entry["file"] for entry in outputs.values()]
for name in files:
    shutil.copyfile(source / name, here / name)

entry = {
    "comment": "generated, do not edit; regenerate with "
               "`python3 Tests/ConvoyWeightsTests/Fixtures/copy_twohead.py` (copied from ConvoyNNTests)",
    "tolerance": manifest["tolerance"],
    "seed": manifest["seed"],
    **network,
}
(here / "twohead.manifest.json").write_text(json.dumps(entry, indent=1, sort_keys=True) + "\n")
print(f"copied {len(files)} files and twohead.manifest.json")
