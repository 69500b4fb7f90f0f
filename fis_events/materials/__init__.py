"""Materials of an event: slides, documents, images and links, for everyone or registrants."""
