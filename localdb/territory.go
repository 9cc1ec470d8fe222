package localdb

import (
	"context"
	"fmt"

	"intiqa/assets"
	"intiqa/selection"
)

// referenceTerritory parses the embedded reference data (HCP, see
// assets/refdata/README.md for its credit).
func referenceTerritory() (*selection.Territory, error) {
	terr, err := assets.Territory()
	if err != nil {
		return nil, fmt.Errorf("load reference territory: %w", err)
	}
	return terr, nil
}

func (tx *Tx) setMeta(key, value string) error {
	_, err := tx.exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write meta %s: %w", key, err)
	}
	return tx.audit("meta.set", "meta", key, nil, value)
}

// loadTerritory inserts the whole territory and records one audit entry
// naming its source and size.
func (tx *Tx) loadTerritory(t *selection.Territory) error {
	for _, r := range t.Regions {
		_, err := tx.exec(`INSERT INTO regions (code, name_fr, name_ar, population, households)
			VALUES (?, ?, ?, ?, ?)`, r.Code, r.NameFR, r.NameAR, r.Population, r.Households)
		if err != nil {
			return fmt.Errorf("load region %s: %w", r.Code, err)
		}
	}
	for _, p := range t.Provinces {
		_, err := tx.exec(`INSERT INTO provinces (code, region_code, name_fr, name_ar, type,
			population, households) VALUES (?, ?, ?, ?, ?, ?, ?)`, p.Code, p.RegionCode,
			p.NameFR, p.NameAR, string(p.Type), p.Population, p.Households)
		if err != nil {
			return fmt.Errorf("load province %s: %w", p.Code, err)
		}
	}
	for _, c := range t.Communes {
		_, err := tx.exec(`INSERT INTO communes (code, province_code, region_code, name_fr,
			name_ar, type, population, households) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Code, c.ProvinceCode, c.RegionCode, c.NameFR, c.NameAR, string(c.Type),
			c.Population, c.Households)
		if err != nil {
			return fmt.Errorf("load commune %s: %w", c.Code, err)
		}
	}
	summary := map[string]any{
		"regions": len(t.Regions), "provinces": len(t.Provinces),
		"communes": len(t.Communes), "source": assets.Credit,
	}
	return tx.audit("territory.load", "territory", "reference", nil, summary)
}

// Territory reads the reference territory back from the store.
func (db *DB) Territory(ctx context.Context) (*selection.Territory, error) {
	var regions []selection.Region
	err := db.each(ctx, `SELECT code, name_fr, name_ar, population, households
		FROM regions ORDER BY code`, nil, func(s scanner) error {
		var r selection.Region
		if err := s.Scan(&r.Code, &r.NameFR, &r.NameAR, &r.Population, &r.Households); err != nil {
			return err
		}
		regions = append(regions, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read regions: %w", err)
	}
	var provinces []selection.Province
	err = db.each(ctx, `SELECT code, region_code, name_fr, name_ar, type, population, households
		FROM provinces ORDER BY code`, nil, func(s scanner) error {
		var p selection.Province
		err := s.Scan(&p.Code, &p.RegionCode, &p.NameFR, &p.NameAR, &p.Type,
			&p.Population, &p.Households)
		provinces = append(provinces, p)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read provinces: %w", err)
	}
	var communes []selection.Commune
	err = db.each(ctx, `SELECT code, province_code, region_code, name_fr, name_ar, type,
		population, households FROM communes ORDER BY code`, nil, func(s scanner) error {
		var c selection.Commune
		err := s.Scan(&c.Code, &c.ProvinceCode, &c.RegionCode, &c.NameFR, &c.NameAR, &c.Type,
			&c.Population, &c.Households)
		communes = append(communes, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read communes: %w", err)
	}
	return selection.NewTerritory(regions, provinces, communes), nil
}

// scanner is the Scan method of *sql.Row and *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// each runs a read query and calls fn for every row.
func (db *DB) each(ctx context.Context, query string, args []any, fn func(scanner) error) error {
	rows, err := db.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
