// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "weijian",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "weijian", targets: ["weijian"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "WeijianCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "WeijianServer",
            dependencies: [
                "WeijianCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .executableTarget(
            name: "weijian",
            dependencies: ["WeijianServer"]
        ),
        .testTarget(
            name: "WeijianCoreTests",
            dependencies: ["WeijianCore"]
        ),
        .testTarget(
            name: "WeijianServerTests",
            dependencies: [
                "WeijianServer",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
