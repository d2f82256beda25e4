/// An axis-aligned box of Float unit vectors.
@usableFromInline struct _Box: Equatable, Sendable {
    @usableFromInline var minX: Float, minY: Float, minZ: Float
    @usableFromInline var maxX: Float, maxY: Float, maxZ: Float

    /// The empty box: union with it is the identity.
    @usableFromInline static let empty = _Box(minX: .infinity, minY: .infinity, minZ: .infinity,
                            maxX: -.infinity, maxY: -.infinity, maxZ: -.infinity)

    @inlinable @inline(__always) init(minX: Float, minY: Float, minZ: Float, maxX: Float, maxY: Float, maxZ: Float) {
        self.minX = minX; self.minY = minY; self.minZ = minZ
        self.maxX = maxX; self.maxY = maxY; self.maxZ = maxZ
    }

    @inlinable @inline(__always) init(x: Float, y: Float, z: Float) {
        self.init(minX: x, minY: y, minZ: z, maxX: x, maxY: y, maxZ: z)
    }

    @inlinable var isEmpty: Bool { minX > maxX }

    /// Whether the box is a single point.
    @inlinable var isPoint: Bool { minX == maxX && minY == maxY && minZ == maxZ }

    @inlinable @inline(__always) mutating func formUnion(_ o: _Box) {
        minX = Swift.min(minX, o.minX); minY = Swift.min(minY, o.minY); minZ = Swift.min(minZ, o.minZ)
        maxX = Swift.max(maxX, o.maxX); maxY = Swift.max(maxY, o.maxY); maxZ = Swift.max(maxZ, o.maxZ)
    }

    @inlinable @inline(__always) func contains(_ o: _Box) -> Bool {
        minX <= o.minX && minY <= o.minY && minZ <= o.minZ
            && maxX >= o.maxX && maxY >= o.maxY && maxZ >= o.maxZ
    }

    /// Whether `point` (a box at one point) lies strictly inside this box on every axis: the
    /// box's faces all lie on other items, so removing an item there leaves it as it is.
    @inlinable @inline(__always) func holdsInside(_ point: _Box) -> Bool {
        minX < point.minX && point.minX < maxX && minY < point.minY && point.minY < maxY
            && minZ < point.minZ && point.minZ < maxZ
    }

    @inlinable @inline(__always) func intersects(_ o: _Box) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
            && minZ <= o.maxZ && o.minZ <= maxZ
    }

    /// Half the surface area (xy + yz + zx) in Double: the cost ChooseSubtree minimizes.
    @inlinable @inline(__always) var area: Double {
        let dx = Double(maxX - minX), dy = Double(maxY - minY), dz = Double(maxZ - minZ)
        return dx * dy + dy * dz + dz * dx
    }


    @inlinable func overlap(_ o: _Box) -> Double {
        let dx = Double(Swift.min(maxX, o.maxX)) - Double(Swift.max(minX, o.minX))
        let dy = Double(Swift.min(maxY, o.maxY)) - Double(Swift.max(minY, o.minY))
        let dz = Double(Swift.min(maxZ, o.maxZ)) - Double(Swift.max(minZ, o.minZ))
        if dx < 0 || dy < 0 || dz < 0 { return 0 }
        // Degenerate (flat) overlaps still count, a little, through the area term.
        return dx * dy * dz + 1e-12 * (dx * dy + dy * dz + dz * dx)
    }

    /// Centre along an axis (0 = x, 1 = y, 2 = z).
    @inlinable @inline(__always) func center(_ axis: Int) -> Float {
        switch axis {
        case 0: return (minX + maxX) / 2
        case 1: return (minY + maxY) / 2
        default: return (minZ + maxZ) / 2
        }
    }
}
