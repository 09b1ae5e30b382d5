package site_test

import (
	"testing"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
