import Foundation

/// Progress for people watching a long command: one line at a time, flushed at once, so it
/// shows up promptly even when standard output is a file or a pipe.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
