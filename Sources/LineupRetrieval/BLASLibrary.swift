import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which BLAS implementation this process loaded, and its threading.
///
/// Debian's alternatives point `libblas.so.3` at netlib's reference BLAS or at OpenBLAS
/// without a relink; sgemm differs about 15× between them, so the service logs which one
/// it got and the benchmarks print it.
public enum BLASLibrary {
    /// The BLAS library file mapped into this process, links resolved (from /proc/self/maps).
    public static var path: String {
        // Read to end of file: /proc files report a size of 0, and a sized read stops short.
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps"),
            let data = try? file.readToEnd(), let maps = String(data: data, encoding: .utf8)
        else { return "unknown" }
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let file = String(line[slash...])
            if file.contains("libblas") || file.contains("libopenblas") { return file }
        }
        return "unknown"
    }

    /// "OpenBLAS", "netlib reference BLAS", or the library's path.
    public static var name: String {
        let path = path
        if path.contains("openblas") { return "OpenBLAS" }
        if path.contains("/blas/") { return "netlib reference BLAS" }
        return path
    }

    /// Limits OpenBLAS to one thread per call: the service runs requests in parallel, and
    /// threads inside each call would only fight over the same cores. No-op for netlib.
    public static func useOneThreadPerCall() {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "openblas_set_num_threads") else {
            return
        }
        let setThreads = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
        setThreads(1)
        #endif
    }
}
