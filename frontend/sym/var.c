#include "config.h"
#include <errno.h>
#include "frontend/sym/priv.h"
#include "frontend/sym/var.h"
int sym_func_vars(struct sym_image *img, const struct sym_func *fn, uint64_t pc, struct sym_var **vars, size_t *count) { (void)img; (void)fn; (void)pc; (void)vars; (void)count; return -ENOSYS; }
