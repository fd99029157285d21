"""StarDesk 星级客服评定系统."""
