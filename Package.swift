// swift-tools-version:6.0
// tao: a Swift toolkit and server for conversational AI (speech and language), trained and served on a CPU.
import PackageDescription

/// Targets that wrap a Debian C library through pkg-config.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "tao",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tao", targets: ["tao"]),
        .executable(name: "tao-bench", targets: ["tao-bench"]),
        .library(name: "TAOTensor", targets: ["TAOTensor"]),
        .library(name: "TAOAudio", targets: ["TAOAudio"]),
        .library(name: "TAOText", targets: ["TAOText"]),
        .library(name: "TAODecoding", targets: ["TAODecoding"]),
        .library(name: "TAOSpeech", targets: ["TAOSpeech"]),
        .library(name: "TAONLP", targets: ["TAONLP"]),
        .library(name: "TAOToolkit", targets: ["TAOToolkit"]),
        .library(name: "TAOServer", targets: ["TAOServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        systemLibrary("CBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        systemLibrary("CFFTW", pkgConfig: "fftw3f", apt: "libfftw3-dev"),
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CSoxr", pkgConfig: "soxr", apt: "libsoxr-dev"),

        // tao's GEMM on weights packed once (inference), C with AVX-512 / AVX2 kernels chosen at run time.
        .target(name: "CTAOGemm"),
        .target(name: "TAOTensor", dependencies: ["CBLAS", "CTAOGemm"]),
        .target(name: "TAOAudio", dependencies: ["CFFTW", "CSndFile", "CSoxr"]),
        // C++ over Debian's libsentencepiece (apt libsentencepiece-dev): real SentencePiece .model files.
        .target(name: "CSentencePiece", linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("sentencepiece_train")]),
        .target(name: "TAOText", dependencies: ["CSentencePiece"]),
        .target(name: "TAODecoding"),
        .target(name: "TAOSpeech", dependencies: ["TAOTensor", "TAOAudio", "TAOText", "TAODecoding"]),
        .target(name: "TAONLP", dependencies: ["TAOTensor", "TAOText"]),
        .target(
            name: "TAOToolkit",
            dependencies: [
                "TAOSpeech", "TAONLP", "TAOTensor", "TAOAudio", "TAOText", "TAODecoding",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TAOServer",
            dependencies: [
                "TAOToolkit", "TAOTensor", "TAOAudio", "TAODecoding",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tao",
            dependencies: ["TAOServer", "TAOToolkit", "TAOTensor", "TAOAudio", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "tao-bench", dependencies: ["TAOToolkit", "TAOSpeech", "TAONLP", "TAOTensor", "TAOAudio", "TAOServer"]),

        .testTarget(name: "TAOTensorTests", dependencies: ["TAOTensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAOAudioTests", dependencies: ["TAOAudio"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAOTextTests", dependencies: ["TAOText"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAODecodingTests", dependencies: ["TAODecoding"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAOSpeechTests", dependencies: ["TAOSpeech"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAONLPTests", dependencies: ["TAONLP"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TAOToolkitTests", dependencies: ["TAOToolkit"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TAOServerTests",
            dependencies: [
                "TAOServer", "TAOToolkit", "TAONLP", "TAOText", "TAOTensor",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "taoTests", dependencies: ["tao"]),
    ]
)
