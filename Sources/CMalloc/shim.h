// glibc's allocator statistics (mallinfo2), which the Glibc module does not export; used by
// `geocontacts stats --memory` to weigh each index.
#include <malloc.h>

// The function, by a name that is not also a type: in Swift, `mallinfo2()` can resolve to the
// zero-initialising constructor of `struct mallinfo2` instead (it does with
// MemberImportVisibility), which reads as an empty heap.
static inline struct mallinfo2 geocontacts_heap_statistics(void) { return mallinfo2(); }
