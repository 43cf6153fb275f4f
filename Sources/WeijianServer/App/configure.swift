import Fluent
import Leaf
import NIOPosix
import NIOSSL
import Vapor
import WeijianCore

/// Sets up an application: database, keys, templates, middleware, routes and jobs.
///
/// - Parameter postgresSchema: tests put each PostgreSQL test in its own schema.
public func configure(_ app: Application, settings: Settings, postgresSchema: String? = nil) async throws {
    // sqlite-nio's busy handler waits on a blocking thread; with the shared pool of one thread per
    // core, two waiting connections (or a password hash) could hold every thread while the writer
    // they wait for needs one to commit. The application gets a pool of its own, before the
    // databases are set up, since they take the pool when first touched.
    app.threadPool = NIOThreadPool(numberOfThreads: 16)
    app.weijianSettings = settings
    app.clock = AppClock()
    _ = app.settingsCache
    app.keyStore = try KeyStore(directory: settings.keysDirectory, now: app.clock.now())

    let root = settings.resourcesDirectory ?? app.directory.workingDirectory
    app.codeTables = try CodeTables.load(root: root)
    try DatabaseSetup.configure(app, settings: settings, postgresSearchPath: postgresSchema)
    Migrations.register(in: app)

    app.http.server.configuration.hostname = settings.host
    app.http.server.configuration.port = settings.port
    app.http.server.configuration.serverName = "weijian"
    if let cert = settings.tlsCertificatePath, let key = settings.tlsKeyPath {
        app.http.server.configuration.tlsConfiguration = .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    }
    app.routes.defaultMaxBodySize = "10mb"
    app.passwords.use(.bcrypt(cost: settings.passwordHashCost))
    app.storage[Passwords.DummyHashKey.self] = try Bcrypt.hash(Passwords.oneTime(), cost: settings.passwordHashCost)

    app.directory.viewsDirectory = (root as NSString).appendingPathComponent("Resources/Views") + "/"
    app.directory.publicDirectory = (root as NSString).appendingPathComponent("Public") + "/"
    app.views.use(.leaf)
    // Parsed templates are cached in every environment (`TemplateCache`); WEIJIAN_TEMPLATE_RELOAD=1
    // reloads them while editing.
    app.leaf.cache = TemplateCache(enabled: ProcessInfo.processInfo.environment["WEIJIAN_TEMPLATE_RELOAD"] != "1")

    app.storage[Application.AuthorizationCacheKey.self] = AuthorizationCache()
    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(https: settings.usesTLS))
    app.middleware.use(ErrorPagesMiddleware())
    app.middleware.use(UploadLimits())
    let routesBox = app.routes
    app.middleware.use(MethodNotAllowedMiddleware(routes: { routesBox.all }))
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))

    try routes(app)

    if settings.runScheduler {
        app.lifecycle.use(Scheduler(jobs: Jobs.all))
    }
    app.lifecycle.use(AuditShutdownCheckpoint())
}

/// Seals the audit log at shutdown so no event stays unsealed across a restart.
struct AuditShutdownCheckpoint: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        _ = try? await AuditLog.checkpoint(on: application.db, keys: application.keyStore, now: application.clock.now())
    }
}
