"""Weekly ETF market commentary: load -> compute -> facts -> stories -> render -> chart -> write -> build."""
