import ConvoyTensor
import ConvoyWeights
import Foundation
import FuzzDriver

/// Any bytes as a safetensors file (header and data): it must open and convert every tensor, or
/// be refused with a one-line `SafeTensorsError` naming the file.
@main
enum FuzzSafeTensors {
    static func main() {
        Fuzzer.run { data in
            do {
                let file = try SafeTensorsFile(data: data, name: "fuzz.safetensors")
                for info in file.tensors {
                    guard info.byteRange.upperBound <= data.count else { Fuzzer.fail("\(info.name) lies beyond the input") }
                    do {
                        let tensor = try file.tensor(named: info.name)
                        guard tensor.count == info.elementCount else { Fuzzer.fail("\(info.name): \(tensor.count) elements") }
                        _ = try file.rawBytes(named: info.name)
                    } catch let error as SafeTensorsError {
                        guard !info.dtype.isConvertibleToFloat else { Fuzzer.fail("\(info.name): \(error)") }
                    }
                }
            } catch let error as SafeTensorsError {
                guard error.path == "fuzz.safetensors", Fuzzer.isOneLine(error.description) else {
                    Fuzzer.fail("bad message: \(error.description)")
                }
            } catch {
                Fuzzer.fail("not a SafeTensorsError: \(error)")
            }
        }
    }
}
