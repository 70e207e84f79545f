import CDNNL

/// The oneDNN objects one `BlockedChain` owns (primitives with their arguments, memories, a
/// stream), destroyed together when the chain goes; a chain that fails to build frees what it
/// had made the same way.
///
/// Every failure of a oneDNN call made here comes back as `nil` or `false` (an unimplemented
/// layout or a missing instruction set), so the caller can fall back to another engine.
final class OneDNNResources {
    /// The CPU engine every chain shares (oneDNN engines are thread-safe).
    nonisolated(unsafe) static let engine: dnnl_engine_t? = {
        var engine: dnnl_engine_t?
        return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
    }()

    /// The primitives in execution order, each with its execution arguments.
    private(set) var steps: [(primitive: dnnl_primitive_t, arguments: [dnnl_exec_arg_t])] = []
    /// oneDNN's name for each primitive's implementation (for instance `jit:avx512_core`).
    private(set) var implementations: [String] = []
    private var memories: [dnnl_memory_t] = []
    private var descriptors: [dnnl_primitive_desc_t] = []
    /// Bytes of scratch each step needs (in `steps` order); one buffer of the largest serves them
    /// all, since the steps run one after another (`shareScratchpad()`).
    private var scratchpadSizes: [Int] = []
    /// Attributes asking for a scratchpad of the caller's (oneDNN would otherwise allocate and
    /// free one on every run: page faults were a fifth of a network's time).
    let userScratchpad: dnnl_primitive_attr_t?
    let stream: dnnl_stream_t?

    init() {
        userScratchpad = OneDNNResources.attributes()
        var stream: dnnl_stream_t?
        if let engine = OneDNNResources.engine, dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success {
            self.stream = stream
        } else {
            self.stream = nil
        }
    }

    deinit {
        for step in steps { dnnl_primitive_destroy(step.primitive) }
        for descriptor in descriptors { dnnl_primitive_desc_destroy(descriptor) }
        for memory in memories { dnnl_memory_destroy(memory) }
        if let stream { dnnl_stream_destroy(stream) }
        if let userScratchpad { dnnl_primitive_attr_destroy(userScratchpad) }
    }

    /// New primitive attributes with a user-managed scratchpad (the caller destroys them).
    static func attributes() -> dnnl_primitive_attr_t? {
        var attributes: dnnl_primitive_attr_t?
        guard dnnl_primitive_attr_create(&attributes) == dnnl_success, let attributes else { return nil }
        guard dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user) == dnnl_success else {
            dnnl_primitive_attr_destroy(attributes)
            return nil
        }
        return attributes
    }

    /// A memory descriptor of `dims` (outermost first) in `type`, laid out as `tag`.
    static func descriptor(_ dims: [Int], _ type: dnnl_data_type_t, _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
        var descriptor = dnnl_memory_desc_t()
        let status = dnnl_memory_desc_init_by_tag(&descriptor, Int32(dims.count), dims.map { dnnl_dim_t($0) }, type, tag)
        return status == dnnl_success ? descriptor : nil
    }

    /// A memory of `descriptor` over `handle`, or without a buffer when `handle` is nil (the
    /// caller's buffers, set before each run).
    func memory(_ descriptor: dnnl_memory_desc_t, handle: UnsafeMutableRawPointer?) -> dnnl_memory_t? {
        make(descriptor, handle: handle)
    }

    /// A memory of `descriptor` over a buffer oneDNN allocates (and frees with the memory).
    func allocated(_ descriptor: dnnl_memory_desc_t) -> dnnl_memory_t? {
        make(descriptor, handle: convoy_dnnl_memory_allocate())
    }

    /// Whether two descriptors are the same (dimensions, type and layout).
    static func equal(_ lhs: dnnl_memory_desc_t, _ rhs: dnnl_memory_desc_t) -> Bool {
        var lhs = lhs, rhs = rhs
        return dnnl_memory_desc_equal(&lhs, &rhs) != 0
    }

    private func make(_ descriptor: dnnl_memory_desc_t, handle: UnsafeMutableRawPointer?) -> dnnl_memory_t? {
        var descriptor = descriptor
        var memory: dnnl_memory_t?
        guard let engine = OneDNNResources.engine,
              dnnl_memory_create(&memory, &descriptor, engine, handle) == dnnl_success,
              let memory else { return nil }
        memories.append(memory)
        return memory
    }

    /// Creates the primitive descriptor of `operation` (a oneDNN operation descriptor) with
    /// `attributes`, kept until the chain goes; nil when oneDNN has no implementation.
    func primitiveDescriptor(_ operation: UnsafeRawPointer, attributes: dnnl_primitive_attr_t?) -> dnnl_primitive_desc_t? {
        var descriptor: dnnl_primitive_desc_t?
        guard let engine = OneDNNResources.engine,
              dnnl_primitive_desc_create(&descriptor, operation, attributes, engine, nil) == dnnl_success,
              let descriptor else { return nil }
        descriptors.append(descriptor)
        return descriptor
    }

    /// The name of `descriptor`'s implementation.
    static func implementation(_ descriptor: dnnl_primitive_desc_t) -> String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else {
            return "unknown"
        }
        return String(cString: name)
    }

    /// The memory descriptor `descriptor` chose for `query` (`dnnl_query_src_md`, …).
    static func chosen(_ descriptor: dnnl_primitive_desc_t, _ query: dnnl_query_t) -> dnnl_memory_desc_t? {
        dnnl_primitive_desc_query_md(descriptor, query, 0)?.pointee
    }

    /// Makes the primitive of `descriptor` and appends it to the steps with `arguments`.
    func append(_ descriptor: dnnl_primitive_desc_t, arguments: [dnnl_exec_arg_t]) -> Bool {
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, descriptor) == dnnl_success, let primitive else { return false }
        steps.append((primitive, arguments))
        implementations.append(OneDNNResources.implementation(descriptor))
        var scratchpad = OneDNNResources.chosen(descriptor, dnnl_query_scratchpad_md) ?? dnnl_memory_desc_t()
        scratchpadSizes.append(Int(dnnl_memory_desc_get_size(&scratchpad)))
        return true
    }

    /// Gives every step that needs scratch one buffer of the largest size any needs.
    func shareScratchpad() -> Bool {
        let largest = scratchpadSizes.max() ?? 0
        guard largest > 0 else { return true }
        guard let layout = OneDNNResources.descriptor([largest], dnnl_u8, dnnl_x), let memory = allocated(layout) else { return false }
        for index in steps.indices where scratchpadSizes[index] > 0 {
            steps[index].arguments.append(argument(DNNL_ARG_SCRATCHPAD, memory))
        }
        return true
    }

    /// Appends a reorder from `source` to a new memory of `target` (allocated by oneDNN), and
    /// returns that memory.
    func reorder(from source: dnnl_memory_t, _ sourceDescriptor: dnnl_memory_desc_t, to target: dnnl_memory_desc_t) -> dnnl_memory_t? {
        guard let memory = allocated(target), appendReorder(from: source, sourceDescriptor, to: memory, target) else { return nil }
        return memory
    }

    /// Appends a reorder from `source` into `target`.
    func appendReorder(from source: dnnl_memory_t, _ sourceDescriptor: dnnl_memory_desc_t, to target: dnnl_memory_t,
                       _ targetDescriptor: dnnl_memory_desc_t) -> Bool {
        guard let descriptor = reorderDescriptor(sourceDescriptor, targetDescriptor) else { return false }
        return append(descriptor, arguments: [argument(DNNL_ARG_FROM, source), argument(DNNL_ARG_TO, target)])
    }

    /// Reorders `source` into `target` once, now (weights into the layout a convolution chose).
    func reorderNow(from source: dnnl_memory_t, _ sourceDescriptor: dnnl_memory_desc_t, to target: dnnl_memory_t,
                    _ targetDescriptor: dnnl_memory_desc_t) -> Bool {
        guard let stream, let descriptor = reorderDescriptor(sourceDescriptor, targetDescriptor) else { return false }
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, descriptor) == dnnl_success, let primitive else { return false }
        defer { dnnl_primitive_destroy(primitive) }
        var arguments = [argument(DNNL_ARG_FROM, source), argument(DNNL_ARG_TO, target)]
        var scratch = OneDNNResources.chosen(descriptor, dnnl_query_scratchpad_md) ?? dnnl_memory_desc_t()
        if dnnl_memory_desc_get_size(&scratch) > 0 {
            guard let memory = allocated(scratch) else { return false }
            arguments.append(argument(DNNL_ARG_SCRATCHPAD, memory))
        }
        return dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments) == dnnl_success
            && dnnl_stream_wait(stream) == dnnl_success
    }

    /// Runs every step in order and waits for the last.
    func execute() {
        guard let stream else { preconditionFailure("BlockedChain ran without a oneDNN stream") }
        for step in steps {
            let status = dnnl_primitive_execute(step.primitive, stream, Int32(step.arguments.count), step.arguments)
            precondition(status == dnnl_success, "oneDNN primitive failed with status \(status.rawValue)")
        }
        precondition(dnnl_stream_wait(stream) == dnnl_success, "oneDNN stream failed")
    }

    func argument(_ kind: Int32, _ memory: dnnl_memory_t) -> dnnl_exec_arg_t {
        dnnl_exec_arg_t(arg: kind, memory: memory)
    }

    private func reorderDescriptor(_ source: dnnl_memory_desc_t, _ target: dnnl_memory_desc_t) -> dnnl_primitive_desc_t? {
        var source = source, target = target
        var descriptor: dnnl_primitive_desc_t?
        guard let engine = OneDNNResources.engine,
              dnnl_reorder_primitive_desc_create(&descriptor, &source, engine, &target, engine, userScratchpad) == dnnl_success,
              let descriptor else { return nil }
        descriptors.append(descriptor)
        return descriptor
    }
}
