import CMalloc

/// How the C heap treats Convoy's large, fixed-size buffers.
///
/// A frame's planes (6 MB for 1080p RGB) and the encoder's pictures are freed and allocated again
/// for every frame. By default glibc serves blocks that large with mmap and unmaps them on free, so
/// every new frame faulted in fresh pages that the kernel had to zero: 20% of a 1080p filter run's
/// samples were in `clear_page`, and the run took 1.5× as long. Raising the mmap and trim
/// thresholds keeps freed blocks in the heap for the next frame. Memory stays bounded: the queues
/// and pools hold a fixed number of frames, so the heap holds at most that many.
enum HeapSettings {
    static func keepLargeBlocks() {
        _ = convoy_malloc_keep_large_blocks(256 << 20, 512 << 20)
    }
}
