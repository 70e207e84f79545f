import CConvoyKernels
import CFFmpeg

/// Convoy's own conversion between 8-bit 4:2:0 YUV (yuv420p, yuvj420p) and 8-bit planar RGB
/// (GBRP) of the same even size: the two conversions of every `--space rgb` run, which swscale
/// spent a quarter of the run's CPU on.
///
/// It computes what `Scaler`'s swscale context computes (swscale's default bicubic for the
/// chroma, Keys' cubic with a = −0.6, chroma centred between the luma samples; the same matrix,
/// from `sws_getCoefficients`, and range; RGB's chroma averaged in pairs across, then 8 bicubic
/// taps down, as swscale reduces it), in Float32 with one rounding at the end where swscale
/// keeps 15-bit and 12-bit fixed-point sums. Against swscale's output on the test clips
/// (`ConvoyMediaTests.YUV420ConversionTests`) no sample differs by more than one level. The loops
/// are C kernels (CConvoyKernels) vectorised for SSE2, AVX2 or AVX-512, chosen at run time; all
/// three give the same bits.
final class YUV420Conversion {
    private var toRGB: convoy_yuv_to_rgb_matrix
    private var toYUV: convoy_rgb_to_yuv_matrix
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchWidth = 0

    /// The conversion for pictures with `color`'s matrix, in full range when `fullRange`.
    init(color: ColorProperties, fullRange: Bool) {
        // swscale's table: 16.16 multiples of (V − 128) for R, (U − 128) for B, and the two for G,
        // for limited-range YUV. Kr and Kb follow from the first two.
        let table = convoy_sws_coefficients(color.swscaleMatrix)!
        let crv = Double(table[0]) / 65536, cbu = Double(table[1]) / 65536
        let kr = 1 - crv * 224 / 255 / 2, kb = 1 - cbu * 224 / 255 / 2, kg = 1 - kr - kb
        let chroma = fullRange ? 255.0 : 224.0
        let luma = fullRange ? 255.0 : 219.0
        toRGB = convoy_yuv_to_rgb_matrix(
            luma_offset: fullRange ? 0 : 16, luma_scale: Float(255 / luma),
            v_to_r: Float(2 * (1 - kr) * 255 / chroma), u_to_g: Float(2 * kb * (1 - kb) / kg * 255 / chroma),
            v_to_g: Float(2 * kr * (1 - kr) / kg * 255 / chroma), u_to_b: Float(2 * (1 - kb) * 255 / chroma))
        let u = chroma / 255 / (2 * (1 - kb)), v = chroma / 255 / (2 * (1 - kr))
        let y = luma / 255
        toYUV = convoy_rgb_to_yuv_matrix(
            y_offset: fullRange ? 0 : 16, y_r: Float(kr * y), y_g: Float(kg * y), y_b: Float(kb * y),
            u_r: Float(-kr * u), u_g: Float(-kg * u), u_b: Float((1 - kb) * u),
            v_r: Float((1 - kr) * v), v_g: Float(-kg * v), v_b: Float(-kb * v))
    }

    deinit { scratch?.deallocate() }

    /// Whether a frame of `source` format and size converts to `destination` here.
    static func applies(from source: AVPixelFormat, to destination: AVPixelFormat, width: Int, height: Int,
                        destinationWidth: Int, destinationHeight: Int) -> Bool {
        let yuv = [AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ420P]
        let pair = (yuv.contains(source) && destination == AV_PIX_FMT_GBRP) || (source == AV_PIX_FMT_GBRP && yuv.contains(destination))
        return pair && width == destinationWidth && height == destinationHeight && width >= 2 && height >= 2
            && width % 2 == 0 && height % 2 == 0
    }

    private func workspace(width: Int) -> UnsafeMutablePointer<Float> {
        if let scratch, scratchWidth >= width { return scratch }
        scratch?.deallocate()
        let made = UnsafeMutablePointer<Float>.allocate(capacity: convoy_yuv420_rgb_scratch(Int32(width)))
        scratch = made
        scratchWidth = width
        return made
    }

    /// YUV planes (`y`, `u`, `v` with their strides in bytes) into `image`'s R, G and B planes.
    func toRGB(y: UnsafePointer<UInt8>, _ yStride: Int, u: UnsafePointer<UInt8>, _ uStride: Int,
               v: UnsafePointer<UInt8>, _ vStride: Int, into image: PlanarImage) {
        let planes = image.planes
        convoy_yuv420_to_rgb(&toRGB, Int32(image.width), Int32(image.height), y, yStride, u, uStride, v, vStride,
                             image.plane(0), planes[0].stride, image.plane(1), planes[1].stride,
                             image.plane(2), planes[2].stride, workspace(width: image.width))
    }

    /// `image`'s R, G and B planes into YUV planes.
    func toYUV(_ image: PlanarImage, y: UnsafeMutablePointer<UInt8>, _ yStride: Int, u: UnsafeMutablePointer<UInt8>,
               _ uStride: Int, v: UnsafeMutablePointer<UInt8>, _ vStride: Int) {
        let planes = image.planes
        convoy_rgb_to_yuv420(&toYUV, Int32(image.width), Int32(image.height), image.plane(0), planes[0].stride,
                             image.plane(1), planes[1].stride, image.plane(2), planes[2].stride,
                             y, yStride, u, uStride, v, vStride, workspace(width: image.width))
    }
}
