// CBLAS from libblas-dev. Which implementation runs is decided by Debian's alternatives
// for libblas.so.3: netlib's reference BLAS, or OpenBLAS once libopenblas0 is installed.
#include <cblas.h>
