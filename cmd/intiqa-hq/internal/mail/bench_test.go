package mail_test

import (
	"context"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/localdb"
	"intiqa/selection/synth"
)

// BenchmarkSend sends the notices of the demonstration province's
// committed pre-selection (about 8,000 applicants) over STARTTLS to the
// loopback SMTP server, with no rate limit: every message rendered,
// recorded sending then sent, each an audited transaction.
func BenchmarkSend(b *testing.B) {
	key, _ := mustKey(b)
	var msgs int
	var total time.Duration
	for range b.N {
		b.StopTimer()
		db, err := localdb.Open(context.Background(),
			mailtest.MustProvinceStore(b, synth.DemoProvince()), localdb.Options{})
		if err != nil {
			b.Fatal(err)
		}
		plan := mustPlan(b, db)
		srv := mailtest.StartServer(b, mailtest.ServerOptions{})
		b.StartTimer()
		start := time.Now()
		rep := mustSend(b, db, smtpConfig(srv, false), senderConfig(key))
		total += time.Since(start)
		b.StopTimer()
		if rep.Sent != plan.Total {
			b.Fatalf("sent %d of %d", rep.Sent, plan.Total)
		}
		msgs += rep.Sent
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(msgs)/float64(b.N), "messages/op")
	b.ReportMetric(float64(msgs)/total.Seconds(), "messages/s")
}

// BenchmarkTrainingAccounts derives and hashes (argon2id, the default
// costs) the training accounts of the demonstration province's invited
// applicants, on every core.
func BenchmarkTrainingAccounts(b *testing.B) {
	key, _ := mustKey(b)
	db, err := localdb.Open(context.Background(),
		mailtest.MustProvinceStore(b, synth.DemoProvince()), localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	n := 0
	for range b.N {
		for a, err := range mail.TrainingAccounts(context.Background(), db, mailtest.RunID, key,
			mail.DefaultHashParams, 0) {
			if err != nil || a.PasswordHash == "" {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "accounts/op")
	b.ReportMetric(b.Elapsed().Seconds()/float64(n)*1000, "ms/account")
	b.ReportMetric(b.Elapsed().Seconds()/float64(n)*201322/60, "min/201322")
}
