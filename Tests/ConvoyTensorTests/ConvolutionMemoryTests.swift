import ConvoyTensor
import XCTest

/// The im2col workspace is bounded by the tile, not by the frame or the batch.
final class ConvolutionMemoryTests: XCTestCase {
    func testHDBatchNeverAsksForMoreThanOneTile() {
        let geometry = Conv2dGeometry(
            batch: 2, inChannels: 3, inputHeight: 720, inputWidth: 1280,
            outChannels: 2, kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1, border: .replicate
        )
        let k = geometry.rowsPerGroup
        XCTAssertEqual(k, 27)
        var random = SeededGenerator(seed: 5)
        let input = Tensor(shape: geometry.inputShape, values: random.floats(geometry.inputShape.count))
        let weight = Tensor(shape: geometry.weightShape, values: random.floats(geometry.weightShape.count))
        let output = Tensor(shape: geometry.outputShape)
        // Tiles of exactly 65 536 columns (no cache budget), so tile edges fall mid-row.
        let workspace = Workspace(tileColumns: 65_536, tileFloatBudget: .max)
        Convolution.forward(
            input: input, weight: weight, bias: nil, geometry: geometry, output: output,
            workspace: workspace, gemm: OneDNNMatrixMultiplier()
        )
        // A full im2col of one frame would be 27 × 921 600 floats; of the batch, twice that.
        XCTAssertEqual(workspace.highWaterMark, k * 65_536)
        XCTAssertLessThanOrEqual(workspace.capacity, k * 65_536)

        // The default workspace narrows tiles to its cache budget, and gives the same result.
        let budgeted = Workspace(tileColumns: 65_536)
        let again = Tensor(shape: geometry.outputShape)
        Convolution.forward(
            input: input, weight: weight, bias: nil, geometry: geometry, output: again,
            workspace: budgeted, gemm: OneDNNMatrixMultiplier()
        )
        XCTAssertLessThanOrEqual(budgeted.highWaterMark, budgeted.tileFloatBudget)
        XCTAssertEqual(budgeted.highWaterMark, k * budgeted.columnsPerTile(rows: k, columns: geometry.columnsPerImage))
        XCTAssertEqual(again.array, output.array)

        // Spot checks against a direct sum with edge clamping (replicate), including positions
        // on either side of tile boundaries (65 536 is 51.2 rows of 1280) and the corners.
        let positions = [0, 1279, 1280, 65_535, 65_536, 131_071, 131_072, 720 * 1280 - 1]
        for n in 0..<2 {
            for o in 0..<2 {
                for p in positions {
                    let oy = p / 1280, ox = p % 1280
                    var sum: Double = 0
                    for c in 0..<3 {
                        for i in 0..<3 {
                            for j in 0..<3 {
                                let y = min(max(oy + i - 1, 0), 719)
                                let x = min(max(ox + j - 1, 0), 1279)
                                sum += Double(input[n: n, c: c, h: y, w: x]) * Double(weight[n: o, c: c, h: i, w: j])
                            }
                        }
                    }
                    XCTAssertEqual(output[n: n, c: o, h: oy, w: ox], Float(sum), accuracy: 1e-4, "n \(n) o \(o) p \(p)")
                }
            }
        }
    }

    /// min(tileColumns, columns, max(256, budget / rows) rounded down to 16).
    func testColumnsPerTile() {
        let workspace = Workspace(tileColumns: 65_536, tileFloatBudget: 262_144)
        XCTAssertEqual(workspace.columnsPerTile(rows: 27, columns: 2_073_600), 9_696) // 9 709 → 9 696
        XCTAssertEqual(workspace.columnsPerTile(rows: 3, columns: 2_073_600), 65_536)
        XCTAssertEqual(workspace.columnsPerTile(rows: 27, columns: 1_000), 1_000)
        XCTAssertEqual(workspace.columnsPerTile(rows: 4_608, columns: 2_073_600), 256)
        XCTAssertEqual(Workspace(tileColumns: 7).columnsPerTile(rows: 27, columns: 100), 7)
        XCTAssertEqual(Workspace(tileFloatBudget: .max).columnsPerTile(rows: 27, columns: 1 << 30), 65_536)
    }

    func testWorkspaceGrowsToLargestRequestAndReuses() {
        let workspace = Workspace(tileColumns: 10)
        XCTAssertEqual(workspace.tileColumns, 10)
        let first = workspace.floats(100)
        XCTAssertGreaterThanOrEqual(workspace.capacity, 100)
        XCTAssertEqual(workspace.floats(40), first, "a smaller request reuses the buffer")
        _ = workspace.floats(300)
        XCTAssertGreaterThanOrEqual(workspace.capacity, 300)
        _ = workspace.floats(10)
        XCTAssertEqual(workspace.highWaterMark, 300)
    }
}
