#include "config.h"
#include <errno.h>
#include "frontend/sym/priv.h"
int sym_cfi_at(struct sym_image *img, uint64_t pc, struct sym_cfi_row *out) { (void)img; (void)pc; (void)out; return -ENOSYS; }
