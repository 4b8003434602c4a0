"""Neighbourhood news, by purpose: `publishing` (and its `targeting`), the `feed`, what members
do with a post (`interactions`), and the scheduled `reminders`."""
