/// A problem found while decoding a model file, before the file's name is known; `ModelSpec`
/// turns it into a `ModelError` naming the file.
struct ModelSpecIssue: Error {
    let problem: ModelError.Problem

    init(_ problem: ModelError.Problem) {
        self.problem = problem
    }
}
