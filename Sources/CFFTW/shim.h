#include <fftw3.h>

/// FFTW's version string, exposed through a function because Swift cannot import `fftwf_version` (a const char array).
static inline const char *tao_fftwf_version(void) { return fftwf_version; }
