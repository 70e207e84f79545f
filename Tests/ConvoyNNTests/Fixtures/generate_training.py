# Generates Tests/ConvoyNNTests/TrainingFixtures.swift; regenerate with
#   python3 Tests/ConvoyNNTests/Fixtures/generate_training.py
"""Expected values for the training losses, optimizers and learning-rate schedules, computed with
numpy in float64 from PyTorch's documented formulas (torch is not needed):

- nn.MSELoss(), nn.L1Loss() (mean reduction) and the per-pixel cross-entropy of probabilities
  (mean over N*H*W pixels of -sum_c t_c log p_c), with their gradients;
- torch.optim.SGD (momentum, dampening 0, weight_decay) and torch.optim.Adam (L2 weight_decay,
  bias correction), stepped with a fixed sequence of gradients;
- StepLR and CosineAnnealingLR (closed form).
"""
import math
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "TrainingFixtures.swift"
rng = np.random.default_rng(20261125)


def floats(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def literal(name, values):
    body = ", ".join(repr(float(v)) for v in np.asarray(values, dtype=np.float64).ravel())
    return f"    static let {name}: [Double] = [{body}]\n"


lines = []
shape = (2, 3, 2, 2)
p = floats(rng.uniform(-1, 1, shape))
t = floats(rng.uniform(-1, 1, shape))
t.ravel()[5] = p.ravel()[5]  # one exact tie: L1's gradient is 0 there
n = p.size
lines += [literal("lossPrediction", p), literal("lossTarget", t)]
lines += [literal("mse", [np.mean((p - t) ** 2)]), literal("mseGradient", 2 * (p - t) / n)]
lines += [literal("l1", [np.mean(np.abs(p - t))]), literal("l1Gradient", np.sign(p - t) / n)]

logits = rng.uniform(-2, 2, shape)
probabilities = floats(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
labels = rng.integers(0, 3, (2, 2, 2))
onehot = np.zeros(shape)
for b in range(2):
    for y in range(2):
        for x in range(2):
            onehot[b, labels[b, y, x], y, x] = 1
onehot[1, :, 1, 1] = [0.2, 0.5, 0.3]  # one soft target
pixels = shape[0] * shape[2] * shape[3]
lines += [literal("crossEntropyPrediction", probabilities), literal("crossEntropyTarget", onehot)]
lines += [literal("crossEntropy", [-(onehot * np.log(probabilities)).sum() / pixels]),
          literal("crossEntropyGradient", -onehot / probabilities / pixels)]

start = floats(rng.uniform(-1, 1, 5))
gradients = floats(rng.uniform(-1, 1, (3, 5)))
lines += [literal("optimizerStart", start), literal("optimizerGradients", gradients)]

# torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.01)
param = start.copy()
buf = None
sgd = []
for g in gradients:
    d = g + 0.01 * param
    buf = d.copy() if buf is None else 0.9 * buf + d
    param = param - 0.1 * buf
    sgd.append(param.copy())
lines += [literal("sgdMomentumSteps", sgd), literal("sgdMomentumBuffer", buf)]

# torch.optim.SGD(lr=0.1)
param = start.copy()
plain = []
for g in gradients:
    param = param - 0.1 * g
    plain.append(param.copy())
lines += [literal("sgdPlainSteps", plain)]

# torch.optim.Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
param = start.copy()
m = np.zeros(5)
v = np.zeros(5)
adam = []
for step, g in enumerate(gradients, start=1):
    d = g + 0.01 * param
    m = 0.9 * m + 0.1 * d
    v = 0.999 * v + 0.001 * d * d
    c1 = 1 - 0.9 ** step
    c2 = 1 - 0.999 ** step
    param = param - 0.01 / c1 * m / (np.sqrt(v) / math.sqrt(c2) + 1e-8)
    adam.append(param.copy())
lines += [literal("adamSteps", adam), literal("adamExpAvg", m), literal("adamExpAvgSq", v)]

# StepLR(step_size=3, gamma=0.5) and CosineAnnealingLR(T_max=10, eta_min=0.001), base 0.1
lines += [literal("stepSchedule", [0.1 * 0.5 ** (s // 3) for s in range(8)])]
lines += [literal("cosineSchedule", [0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * min(s, 10) / 10)) / 2 for s in range(13)])]

OUT.write_text(
    "// generated, do not edit; regenerate with python3 Tests/ConvoyNNTests/Fixtures/generate_training.py\n"
    "// Expected values for the losses, optimizers and schedules (PyTorch semantics, numpy float64).\n"
    "enum TrainingFixtures {\n" + "".join(lines) + "}\n"
)
print(f"wrote {OUT}")
