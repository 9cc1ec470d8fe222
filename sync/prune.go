package sync

import (
	"context"

	"intiqa/localdb"
)

// keyFiles is the log key of a count of document files.
const keyFiles = "files"

// PruneDocuments deletes the document files that no document of the
// laptop's store names any more, after a pull or a bundle took documents
// off the laptop (their applicant moved to another province). A file
// another document shares stays. It returns how many files it deleted;
// it waits for a Sync under way.
func (c *Client) PruneDocuments(ctx context.Context) (int, error) {
	c.run.Lock()
	defer c.run.Unlock()
	return c.pruneDocuments(ctx)
}

// pruneDocuments is PruneDocuments inside a Sync.
func (c *Client) pruneDocuments(ctx context.Context) (int, error) {
	n, err := c.db.PruneFiles(ctx, localdb.Files{Dir: c.docs})
	if n > 0 {
		c.opts.Logger.Info("document files pruned", keyFiles, n)
	}
	return n, err
}
