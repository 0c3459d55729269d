// Package planted proves that the fuzz targets of package fuzz catch a planted
// evaluator bug, and model's agreement tests planted bugs of eval's fast line
// decoder and of the policy parser's fast scanner (build tag iamfuzz_plant, see
// model/plant_on.go). It holds only
// those tests, apart from package fuzz, so that go test -fuzz on package fuzz does
// not first rebuild the package with the bug in, and the check that
// scripts/nightly runs every other planted bug (tags iamfuzz_plant_*).
package planted
