import Foundation

extension Double {
    /// The number as Excel shows it in a General cell: whole numbers without ".0", others to 15
    /// significant digits (so a stored 0.30000000000000004 reads 0.3).
    var plainText: String {
        if rounded() == self, abs(self) < 9.2e18 { return String(Int64(self)) }
        return String(format: "%.15g", self)
    }
}
