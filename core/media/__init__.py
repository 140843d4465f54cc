"""Local media operations over ffmpeg (imageio-ffmpeg) and, where per-frame work needs it, MoviePy."""
