module kubelab.invalid/build/hello

go 1.26.0

tool golang.org/x/example/hello

require golang.org/x/example/hello v0.0.0-20250915201037-7f05d217867b // indirect
