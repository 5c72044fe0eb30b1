package orgfile

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/huitian/huitian/internal/registry"
)

// TestWriterBatches: an export written a batch at a time holds what Write
// gives for all of them at once: the same bytes for JSONL and CSV, the same
// rows read back for XLSX (its column widths fit the first batch).
func TestWriterBatches(t *testing.T) {
	t.Parallel()
	var orgs []*registry.Organization
	for range 3 {
		orgs = append(orgs, sample()...)
	}
	orgs = append(orgs, nil) // skipped, as by Write
	for _, f := range []Format{JSONL, CSV, XLSX} {
		for _, batch := range []int{1, 2, 5} {
			var whole, parts bytes.Buffer
			opt := WriteOptions{IncludeContact: batch == 2}
			if err := Write(&whole, f, orgs, opt); err != nil {
				t.Fatal(err)
			}
			w, err := NewWriter(&parts, f, opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(orgs); i += batch {
				if err := w.Write(orgs[i:min(i+batch, len(orgs))]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if f != XLSX {
				if !bytes.Equal(whole.Bytes(), parts.Bytes()) {
					t.Errorf("%s by %d: the bytes differ", f, batch)
				}
				continue
			}
			a, err := Read(bytes.NewReader(whole.Bytes()), f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Read(bytes.NewReader(parts.Bytes()), f)
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != len(orgs)-1 || !reflect.DeepEqual(a, b) {
				t.Errorf("%s by %d: %d and %d rows read back, or they differ", f, batch, len(a), len(b))
			}
		}
	}
	// No organization: the header alone, as Write gives it.
	for _, f := range []Format{JSONL, CSV} {
		var whole, parts bytes.Buffer
		if err := Write(&whole, f, nil); err != nil {
			t.Fatal(err)
		}
		w, err := NewWriter(&parts, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil || !bytes.Equal(whole.Bytes(), parts.Bytes()) {
			t.Errorf("%s empty: %v", f, err)
		}
	}
	var x bytes.Buffer
	w, err := NewWriter(&x, XLSX)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if rows, err := Read(bytes.NewReader(x.Bytes()), XLSX); err != nil || len(rows) != 0 {
		t.Errorf("xlsx empty: %d rows, %v", len(rows), err)
	}
}
