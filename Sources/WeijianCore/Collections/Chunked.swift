extension Collection {
    /// The collection in consecutive slices of at most `size` elements (the last may be shorter),
    /// for statements that bind a bounded number of values.
    public func chunked(_ size: Int) -> [SubSequence] {
        precondition(size > 0, "chunk size must be positive")
        var chunks: [SubSequence] = []
        var start = startIndex
        while start != endIndex {
            let end = index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(self[start..<end])
            start = end
        }
        return chunks
    }
}
