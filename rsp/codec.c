/* rsp/codec.c - placeholder, to be written. */
#include "rsp/codec.h"
