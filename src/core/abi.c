/*
 * abi.c — the struct layouts that the JavaScript binding (src/js/heap.js) reads and writes in
 * wasm32 memory. The build fails here until both sides agree: change them together.
 */
#include "nnwasm.h"

#include <stddef.h>

#if defined(__wasm32__)
#define AT(type, field, offset) \
    _Static_assert(offsetof(type, field) == (offset), #type "." #field " moved: update heap.js")
AT(nn_spec, n_layers, 0);
AT(nn_spec, layers, 4);
AT(nn_spec, activation, 68);
AT(nn_spec, init_std, 84);
AT(nn_spec, seed, 112);
AT(nn_spec, opt, 116);
AT(nn_spec, opt.eps, 140);
AT(nn_spec, schedule, 144);
AT(nn_spec, schedule.min_lr, 156);
AT(nn_spec, input, 160);
AT(nn_spec, n_items, 172);
AT(nn_spec, items, 176);
_Static_assert(sizeof(nn_layer) == 40, "nn_layer size changed: update heap.js");
_Static_assert(sizeof(nn_spec) == 1456, "nn_spec size changed: update heap.js");
AT(nn_data, x_u8, 4);
AT(nn_data, labels, 8);
AT(nn_data, targets, 12);
AT(nn_data, rows, 16);
AT(nn_data, cols, 20);
_Static_assert(sizeof(nn_data) == 24, "nn_data size changed: update heap.js");
AT(nn_fit_opts, resume, 12);
AT(nn_fit_opts, augment, 16);
AT(nn_fit_opts, augment.shear, 28);
_Static_assert(sizeof(nn_fit_opts) == 32, "nn_fit_opts size changed: update heap.js");
AT(nn_progress, total_steps, 8);
AT(nn_progress, epoch, 16);
AT(nn_progress, done, 36);
AT(nn_progress, loss, 40);
AT(nn_progress, accuracy, 48);
AT(nn_progress, batch_loss, 56);
AT(nn_progress, lr, 64);
_Static_assert(sizeof(nn_progress) == 72, "nn_progress size changed: update heap.js");
AT(nn_idx_info, offset, 16);
_Static_assert(sizeof(nn_error) == 256, "nn_error size changed: update heap.js");
#endif

typedef int nn_abi_checked; /* keeps the translation unit non-empty on other targets */
