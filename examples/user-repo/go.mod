module example.com/user-repo

go 1.26.0

require github.com/iamfuzz/iamfuzz v0.0.0

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/leanovate/gopter v0.2.11 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)

replace github.com/iamfuzz/iamfuzz => ../..
