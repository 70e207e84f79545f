import Foundation

/// Checks made before any byte is written: never write over the input, and never replace an
/// existing output unless asked to.
package enum OutputGuard {
    package static func check(output: String, input: String, overwrite: Bool) throws {
        guard output != "-" else { return }
        var outputInfo = stat()
        guard stat(output, &outputInfo) == 0 else { return }
        var inputInfo = stat()
        if input != "-", stat(input, &inputInfo) == 0,
           inputInfo.st_dev == outputInfo.st_dev, inputInfo.st_ino == outputInfo.st_ino {
            throw ConvoyError("\(output): the output is the input file; Convoy never writes over its input.",
                              exitCode: ConvoyError.usage)
        }
        if !overwrite {
            throw ConvoyError("\(output): the file exists; add -y to replace it.", exitCode: ConvoyError.cannotCreate)
        }
        if (outputInfo.st_mode & S_IFMT) == S_IFDIR {
            throw ConvoyError("\(output): is a directory.", exitCode: ConvoyError.cannotCreate)
        }
    }
}
