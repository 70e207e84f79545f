import CFFmpeg

/// A video stream's colour description: matrix, range, primaries and transfer.
///
/// Convoy converts with the source's matrix and range and tags its output with the same values,
/// so a filtered file shows the colours the source showed.
public struct ColorProperties: Equatable, Sendable {
    public var space: AVColorSpace
    public var range: AVColorRange
    public var primaries: AVColorPrimaries
    public var transfer: AVColorTransferCharacteristic

    public init(space: AVColorSpace = AVCOL_SPC_UNSPECIFIED, range: AVColorRange = AVCOL_RANGE_UNSPECIFIED,
                primaries: AVColorPrimaries = AVCOL_PRI_UNSPECIFIED,
                transfer: AVColorTransferCharacteristic = AVCOL_TRC_UNSPECIFIED) {
        self.space = space
        self.range = range
        self.primaries = primaries
        self.transfer = transfer
    }

    init(_ parameters: UnsafePointer<AVCodecParameters>) {
        self.init(space: parameters.pointee.color_space, range: parameters.pointee.color_range,
                  primaries: parameters.pointee.color_primaries, transfer: parameters.pointee.color_trc)
    }

    /// True for full-range ("jpeg", 0–255) YUV; unspecified counts as limited, as swscale assumes.
    public var isFullRange: Bool { range == AVCOL_RANGE_JPEG }

    /// The YUV↔RGB matrix swscale should use: the tagged one, or BT.601 when untagged, as ffmpeg does.
    var swscaleMatrix: Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601
        default: return SWS_CS_DEFAULT
        }
    }

    /// What Convoy assumes for missing tags when it converts YUV to RGB, as a sentence, or nil
    /// when the matrix and range are both tagged.
    public var untaggedAssumption: String? {
        let matrixMissing = space == AVCOL_SPC_UNSPECIFIED || space == AVCOL_SPC_RESERVED
        let rangeMissing = range == AVCOL_RANGE_UNSPECIFIED
        switch (matrixMissing, rangeMissing) {
        case (true, true): return "no colour matrix or range tag; BT.601 and limited (tv) range are assumed, as ffmpeg assumes."
        case (true, false): return "no colour matrix tag; BT.601 is assumed, as ffmpeg assumes."
        case (false, true): return "no colour range tag; limited (tv) range is assumed, as ffmpeg assumes."
        case (false, false): return nil
        }
    }

    /// Names as ffprobe prints them, e.g. `bt709/tv`, or `unknown`.
    public var summary: String {
        func name(_ text: UnsafePointer<CChar>?) -> String { text.map { String(cString: $0) } ?? "unknown" }
        let matrix = name(av_color_space_name(space))
        let rangeName = name(av_color_range_name(range))
        let primariesName = name(av_color_primaries_name(primaries))
        let transferName = name(av_color_transfer_name(transfer))
        return "matrix=\(matrix) range=\(rangeName) primaries=\(primariesName) transfer=\(transferName)"
    }
}
