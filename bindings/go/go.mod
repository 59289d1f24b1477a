module github.com/libgpuarb/gpuarb/bindings/go

go 1.19
