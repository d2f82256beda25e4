// glibc's allocator statistics (mallinfo2), which the Glibc module does not export; used by
// `geocontacts stats --memory` to weigh each index.
#include <malloc.h>
