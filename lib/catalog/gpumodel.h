/*
 * gpumodel.h - the GPU model table: canonical names (SkyPilot's accelerator
 * names where they exist), memory, relative speed, MIG capability, aliases.
 */
#ifndef GPUARB_GPUMODEL_H
#define GPUARB_GPUMODEL_H

#include "base/internal.h"

typedef struct ga_gpumodel {
    const char *name;
    const char *vendor;
    double memory_gb;
    double relative_speed;
    int32_t mig_capable;
    const char *const *aliases;   /* NULL-terminated; matched case-insensitively */
} ga_gpumodel;

int32_t ga_gpumodel_count(void);
const ga_gpumodel *ga_gpumodel_at(int32_t i);
/* Index by canonical name or alias (case-insensitive); -1 if unknown. */
int32_t ga_gpumodel_find(const char *name);
/* Up to 3 canonical names closest to name (edit distance), as
 * "A100, A10G, A10" into buf; "" if none is close. */
void ga_gpumodel_near(const char *name, char *buf, size_t bufsize);
/* The model an offer really has where SkyPilot uses one accelerator name
 * for several parts: SkyPilot's "H100" is the SXM part, the PCIe card (80 GB)
 * or the NVL card (94 GB), told apart by the instance type (Lambda
 * gpu_1x_h100_pcie, Vast 1x-H100_NVL-..., Azure Standard_NC40ads_H100_v5).
 * Returns gpu itself when nothing says otherwise. */
int32_t ga_gpumodel_refine(int32_t gpu, const char *instance_type);
/* 1 if a SkyPilot accelerator name is known not to be a GPU (TPU, Inferentia,
 * Trainium, Gaudi, FPGAs, Qualcomm AI100, ...). */
int ga_gpumodel_is_non_gpu(const char *skypilot_name);

#endif
