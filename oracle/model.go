package oracle

import (
	"context"

	"github.com/iamfuzz/iamfuzz/model"
)

// Model is the reference evaluator as an oracle.
type Model struct {
	cache model.PolicyCache
	e     model.Evaluator
}

// NewModel returns the model oracle.
func NewModel() *Model { return &Model{} }

// Name implements Oracle.
func (m *Model) Name() string { return "model" }

// Decide implements Oracle.
func (m *Model) Decide(ctx context.Context, cases []*model.Case) ([]Result, error) {
	out := make([]Result, len(cases))
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := c.Decide(&m.cache, &m.e)
		if err != nil {
			out[i] = FromError(c.ID, err)
			continue
		}
		out[i] = FromModel(c.ID, res)
	}
	return out, nil
}

// Close implements Oracle.
func (m *Model) Close() error { return nil }
