/// One (run, step) work unit of a plan, weighed by the bytes its checkpoint takes to read.
public struct PlannedUnit: Sendable, Equatable, Hashable, Codable {
    public var model: String
    public var step: Int
    /// Bytes to read (an estimate from the model's shape; see `WorkUnitLister`).
    public var bytes: Int

    public init(model: String, step: Int, bytes: Int) {
        self.model = model
        self.step = step
        self.bytes = bytes
    }
}

/// A deterministic assignment of work units to N shards, balanced by bytes: units are taken heaviest
/// first (ties by model, then step) and each goes to the shard with the fewest bytes so far (ties: the
/// lowest index), the longest-processing-time rule. It depends only on the units, never on the order
/// they were listed in or the machine, so every task of an array computes the same plan.
public struct ShardPlan: Sendable, Equatable {
    /// Units per shard, each shard's ordered by step, then model.
    public let shards: [[PlannedUnit]]

    public init(units: [PlannedUnit], count: Int) {
        precondition(count >= 1, "a plan needs at least one shard")
        let ordered = Set(units).sorted { a, b in
            if a.bytes != b.bytes { return a.bytes > b.bytes }
            if a.model != b.model { return a.model < b.model }
            return a.step < b.step
        }
        var loads = [Int](repeating: 0, count: count)
        var assigned = [[PlannedUnit]](repeating: [], count: count)
        // A binary heap of (load, index) keeps this O(U log N) for the 5,500-unit suite at N = 512.
        var heap = MinLoadHeap(count: count)
        for unit in ordered {
            let shard = heap.popMin()
            assigned[shard].append(unit)
            loads[shard] += unit.bytes
            heap.push(shard, load: loads[shard])
        }
        shards = assigned.map { $0.sorted { ($0.step, $0.model) < ($1.step, $1.model) } }
    }

    /// Bytes per shard.
    public var loads: [Int] { shards.map { $0.reduce(0) { $0 + $1.bytes } } }

    /// Max shard bytes / mean shard bytes (1 is perfect balance; 0 for an empty plan).
    public var imbalance: Double {
        let total = loads.reduce(0, +)
        guard total > 0 else { return 0 }
        return Double(loads.max() ?? 0) / (Double(total) / Double(shards.count))
    }

    /// The units of shard `spec.index` (the plan must have `spec.count` shards).
    public func units(of spec: ShardSpec) -> [PlannedUnit] {
        precondition(spec.count == shards.count, "shard \(spec) of a \(shards.count)-shard plan")
        return shards[spec.index]
    }
}

/// A min-heap of shard indexes keyed by (load, index).
private struct MinLoadHeap {
    private var items: [(load: Int, index: Int)]

    init(count: Int) { items = (0..<count).map { (0, $0) } }

    private static func less(_ a: (load: Int, index: Int), _ b: (load: Int, index: Int)) -> Bool {
        a.load != b.load ? a.load < b.load : a.index < b.index
    }

    mutating func popMin() -> Int {
        let top = items[0].index
        items[0] = items[items.count - 1]
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, Self.less(items[l], items[m]) { m = l }
            if r < items.count, Self.less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }

    mutating func push(_ index: Int, load: Int) {
        items.append((load, index))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.less(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }
}
