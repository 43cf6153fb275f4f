import LeafKit
import NIOCore

/// Parsed templates, kept whatever the environment (issue 11: the signed-in home page ran at a
/// tenth of a trivial route). Vapor's Leaf provider switches the shared cache off on every render
/// in the development environment — the one `weijian serve` runs in — so every page was read from
/// disk and lexed again on every request. This cache ignores that switch; `WEIJIAN_TEMPLATE_RELOAD=1`
/// is the one way to turn it off (while editing templates).
final class TemplateCache: LeafCache, @unchecked Sendable {
    private let stored = DefaultLeafCache()
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
        stored.isEnabled = enabled
    }

    var isEnabled: Bool {
        get { enabled }
        set { /* fixed at start; see the type's comment */ }
    }

    var count: Int { stored.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        stored.insert(document, on: loop, replace: replace)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        stored.retrieve(documentName: documentName, on: loop)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        stored.remove(documentName, on: loop)
    }
}
