import ArgumentParser

/// The picture file types a folder output (`-o dir/`) can write; each names its extension, which
/// chooses the encoder as the output's own extension would.
enum ImageFormatChoice: String, CaseIterable, ExpressibleByArgument {
    case png, jpg, tiff, bmp
}
