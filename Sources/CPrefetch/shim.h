// A cache prefetch hint, which Swift does not expose: the R-tree's nearest search asks for
// a node's first lines when it queues the node, so that the node is in cache, or on its way,
// by the time the search pops it.
static inline void spatial_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
