"""Small helpers shared by the apps; they import nothing of any app."""
