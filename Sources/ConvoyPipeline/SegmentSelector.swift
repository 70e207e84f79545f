import Foundation

/// Which segment of a plan a task runs (`--segment K` or `--segment auto`).
public enum SegmentSelector: Equatable, Sendable {
    /// Segment K, from 0.
    case index(Int)
    /// K from the scheduler's environment (`environmentVariables`, the first one set).
    case auto

    /// `K` (a whole number, 0 or more) or `auto`; nil for anything else.
    public init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let value = Int(argument), value >= 0 {
            self = .index(value)
        } else {
            return nil
        }
    }

    /// The variables array schedulers give each task its index in, in the order they are read:
    /// SLURM (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, so `--array=1-7` works too),
    /// Kubernetes Indexed Jobs, AWS Batch array jobs, GCP Batch and Cloud Run jobs.
    public static let environmentVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
                                              "BATCH_TASK_INDEX", "CLOUD_RUN_TASK_INDEX"]

    /// The segment index and a sentence saying where it came from.
    ///
    /// - Throws: `ConvoyError` (usage) when `auto` finds none of the variables set, or one that
    ///   is not a whole number.
    public func resolve(environment: [String: String]) throws -> (index: Int, origin: String) {
        switch self {
        case .index(let value):
            return (value, "--segment \(value)")
        case .auto:
            guard let name = SegmentSelector.environmentVariables.first(where: { environment[$0] != nil }),
                  let text = environment[name] else {
                throw ConvoyError("--segment auto: none of \(SegmentSelector.environmentVariables.joined(separator: ", ")) is set; run it as an array task or give --segment K.",
                                  exitCode: ConvoyError.usage)
            }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConvoyError("--segment auto: \(name)=\(text) is not a whole number.", exitCode: ConvoyError.usage)
            }
            guard name == "SLURM_ARRAY_TASK_ID", let minimumText = environment["SLURM_ARRAY_TASK_MIN"] else {
                return (value, "\(name)=\(text)")
            }
            guard let minimum = Int(minimumText.trimmingCharacters(in: .whitespaces)) else {
                throw ConvoyError("--segment auto: SLURM_ARRAY_TASK_MIN=\(minimumText) is not a whole number.", exitCode: ConvoyError.usage)
            }
            return (value - minimum, "SLURM_ARRAY_TASK_ID=\(text) less SLURM_ARRAY_TASK_MIN=\(minimumText)")
        }
    }
}
