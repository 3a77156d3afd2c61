"""The HTTP layer every connector uses: client, auth, responses, limits, ETags, paging."""
