import ArgumentParser
import ConvoyFiles
import ConvoyPipeline
import Foundation

/// Ends the process the way Convoy promises: one line on stderr and a sysexits code.
enum Failure {
    /// Runs `body`; a `ConvoyError` (or a `FileError`, as one) becomes its message on stderr and
    /// its exit code.
    static func guarded(_ body: () throws -> Void) throws {
        do {
            do { try body() } catch let error as FileError { throw ConvoyError(error) }
        } catch let error as ConvoyError {
            FileHandle.standardError.write(Data("convoy: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("convoy: \(error)\n".utf8))
            throw ExitCode(ConvoyError.software)
        }
    }
}
