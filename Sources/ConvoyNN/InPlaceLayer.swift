import ConvoyTensor

/// A layer whose output has its input's shape and whose `forward` may write into the tensor it
/// reads: `forward(x, into: x, context:)` is allowed.
///
/// `Graph` uses this to let such a layer overwrite its input's buffer when nothing else reads that
/// buffer afterwards, so an activation after a convolution costs no memory of its own.
public protocol InPlaceLayer: Layer {}
