import ArgumentParser
import ConvoyNN

/// `--loss`: the loss names PyTorch users know, with a hyphen on the command line.
enum LossChoice: String, CaseIterable, ExpressibleByArgument {
    case mse
    case l1
    case crossEntropy = "cross-entropy"

    var loss: Loss {
        switch self {
        case .mse: return .mse
        case .l1: return .l1
        case .crossEntropy: return .crossEntropy
        }
    }
}
